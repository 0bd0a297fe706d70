using System.Globalization;
using Shop.Web.Services;
using Shop.ServiceDefaults.Problems;

namespace Shop.Web.Presentation;

/// <summary>What a checkout answer means for the shopper.</summary>
public enum CheckoutResult
{
    /// <summary>202: the order exists (pending); the basket is emptied and the shopper follows it on My orders.</summary>
    Placed,

    /// <summary>Refused for lines the shopper has to change (409 insufficient-stock, 422 unknown-item): nothing was ordered.</summary>
    LinesRefused,

    /// <summary>429/503: shed or unavailable; the same attempt may be sent again after <see cref="CheckoutOutcome.RetryAfterSeconds"/>.</summary>
    Busy,

    /// <summary>401: the session's token was refused.</summary>
    SignIn,

    /// <summary>ordering-api could not be reached, or failed: the same attempt may be sent again.</summary>
    Failed,

    /// <summary>Any other refusal: a retry of the same attempt would get it again.</summary>
    Refused,
}

/// <summary>
/// The outcome of one checkout answer: what to say (<see cref="Message"/>, and per refused line in
/// <see cref="LineMessages"/>), and whether a retry is the same attempt (<see cref="SameAttempt"/>: keep the key).
/// </summary>
public sealed record CheckoutOutcome(CheckoutResult Result, string Message, bool SameAttempt, int? RetryAfterSeconds, IReadOnlyDictionary<int, string> LineMessages)
{
    private static readonly IReadOnlyDictionary<int, string> NoLines = new Dictionary<int, string>();

    public static CheckoutOutcome From(CheckoutAnswer answer, IReadOnlyList<BasketLine> basket)
    {
        var refused = answer.Problem?.Lines ?? [];
        return answer.Status switch
        {
            >= 200 and < 300 => new(CheckoutResult.Placed, "Thank you! Your order is placed and being confirmed.", false, null, NoLines),
            409 when answer.Problem?.Type == ProblemTypes.InsufficientStock && refused.Count > 0 => LinesRefused(refused, basket,
                "Not enough stock for your whole basket, so nothing was ordered"),
            422 when answer.Problem?.Type == ProblemTypes.UnknownItem && refused.Count > 0 => LinesRefused(refused, basket,
                "Some items in your basket are not sold here, so nothing was ordered"),
            429 or 503 => Busy(answer.RetryAfter),
            401 => new(CheckoutResult.SignIn, "Your session has ended: sign in again to check out.", false, null, NoLines),
            0 => new(CheckoutResult.Failed, "We couldn't reach the shop's ordering service. Please try again in a moment.", true, null, NoLines),
            >= 500 => new(CheckoutResult.Failed, "Something went wrong on our side. Please try again.", true, null, NoLines),
            _ => new(CheckoutResult.Refused, "Your basket can't be checked out as it is" + (answer.Problem?.Detail is { Length: > 0 } detail ? $": {detail}" : ".")
                + " Check your basket and try again.", false, null, NoLines),
        };
    }

    /// <summary>What one refused line needs: "Only 1 left (you asked for 2).", "Sold out.", "No longer sold: remove it."</summary>
    public static string LineMessage(RefusedLine line) => line.Reason switch
    {
        "short" when line.Available > 0 => string.Create(CultureInfo.InvariantCulture,
            $"Only {line.Available} left (you asked for {line.Requested})."),
        "short" => string.Create(CultureInfo.InvariantCulture, $"Sold out (you asked for {line.Requested})."),
        "unknown" => "Not sold here: remove it from your basket.",
        _ => "No longer sold: remove it from your basket.",
    };

    private static CheckoutOutcome LinesRefused(IReadOnlyList<RefusedLine> refused, IReadOnlyList<BasketLine> basket, string lead)
    {
        var messages = new Dictionary<int, string>();
        var parts = new List<string>();
        foreach (var line in refused)
        {
            var message = LineMessage(line);
            messages[line.ItemId] = message;
            var name = basket.FirstOrDefault(b => b.ItemId == line.ItemId)?.Name ?? string.Create(CultureInfo.InvariantCulture, $"Item {line.ItemId}");
            parts.Add($"{name}: {message}");
        }
        return new(CheckoutResult.LinesRefused, $"{lead}. {string.Join(" ", parts)} Change your basket and check out again.", false, null, messages);
    }

    private static CheckoutOutcome Busy(TimeSpan? retryAfter)
    {
        var seconds = Math.Clamp((int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(2)).TotalSeconds), 1, 60);
        return new(CheckoutResult.Busy, string.Create(CultureInfo.InvariantCulture,
            $"The shop is very busy right now. Try again in {seconds} {(seconds == 1 ? "second" : "seconds")}."), true, seconds, NoLines);
    }
}
