using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Shop.Ordering.Core.Redis;

/// <summary>
/// One Lua script of the gate with its SHA-1, computed once. A call sends <c>EVALSHA</c> with the precomputed
/// digest; StackExchange.Redis's script-text overload would look the whole text up in its own cache on every call
/// (reserve.lua is 2.8 KB). Redis forgets its scripts when it restarts (they are not in the AOF), so a
/// <c>NOSCRIPT</c> reply is answered by sending the text once with <c>EVAL</c>, which also loads it again.
/// </summary>
public sealed class GateScript
{
    private readonly byte[] _sha1;

    public GateScript(string name, string text)
    {
        Name = name;
        Text = text;
        // Not for security: SHA-1 is how Redis names a script.
        _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>The file name without ".lua", for messages.</summary>
    public string Name { get; }

    /// <summary>The script's text, as embedded from Redis/Scripts.</summary>
    public string Text { get; }

    /// <summary>The lowercase hex SHA-1 Redis knows the script by.</summary>
    public string Sha1 => Convert.ToHexStringLower(_sha1);

    public async Task<RedisResult> RunAsync(IDatabaseAsync database, RedisKey[] keys, RedisValue[] values)
    {
        try
        {
            return await database.ScriptEvaluateAsync(_sha1, keys, values).ConfigureAwait(false);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await database.ScriptEvaluateAsync(Text, keys, values).ConfigureAwait(false);
        }
    }
}
