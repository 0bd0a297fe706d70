using StackExchange.Redis;

namespace Shop.Ordering.Core.Redis;

/// <summary>The Lua scripts of the gate (Redis/Scripts/*.lua), loaded once from the assembly.</summary>
public static class GateScripts
{
    public static string Reserve { get; } = Load("reserve");

    public static string Arm { get; } = Load("arm");

    public static string Confirm { get; } = Load("confirm");

    public static string Release { get; } = Load("release");

    public static string Checkout { get; } = Load("checkout");

    public static string Restock { get; } = Load("restock");

    /// <summary>
    /// Runs a script. StackExchange.Redis sends EVALSHA once it has seen a script and falls back to EVAL when
    /// the server does not know it (e.g. after a restart), so scripts need no explicit loading.
    /// </summary>
    public static Task<RedisResult> RunAsync(this IDatabaseAsync database, string script, RedisKey[] keys, RedisValue[] values) =>
        database.ScriptEvaluateAsync(script, keys, values);

    private static string Load(string name)
    {
        using var stream = typeof(GateScripts).Assembly.GetManifestResourceStream($"Shop.Ordering.Core.Redis.Scripts.{name}.lua")
            ?? throw new InvalidOperationException($"The script {name}.lua is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
