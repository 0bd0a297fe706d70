using System.Buffers.Text;

namespace Shop.Bench;

/// <summary>What the generator reads from the start of an answer's body: a 202's order id, a problem's type.</summary>
public static class AnswerBody
{
    private static readonly byte[] OrderIdProperty = "\"orderId\":\""u8.ToArray();

    /// <summary>The <c>orderId</c> of <c>{"orderId":"…","status":"pending"}</c>.</summary>
    public static bool TryReadOrderId(ReadOnlySpan<byte> body, out Guid orderId)
    {
        orderId = Guid.Empty;
        var at = body.IndexOf(OrderIdProperty);
        return at >= 0 && Utf8Parser.TryParse(body[(at + OrderIdProperty.Length)..], out orderId, out _, 'D') && orderId != Guid.Empty;
    }

    /// <summary>The problem+json <c>type</c> (<c>urn:shop:problem:…</c>), or null.</summary>
    public static string? ProblemType(ReadOnlySpan<byte> body)
    {
        var at = body.IndexOf("urn:shop:problem:"u8);
        if (at < 0)
        {
            return null;
        }
        var rest = body[at..];
        var end = rest.IndexOf((byte)'"');
        return System.Text.Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }
}
