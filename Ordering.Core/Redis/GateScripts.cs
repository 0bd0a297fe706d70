namespace Shop.Ordering.Core.Redis;

/// <summary>
/// The Lua scripts of the gate (Redis/Scripts/*.lua), loaded once from the assembly. Callers outside this folder use
/// <see cref="GateClient"/>, which owns their keys, arguments and replies.
/// </summary>
public static class GateScripts
{
    public static GateScript Reserve { get; } = Load("reserve");

    public static GateScript Arm { get; } = Load("arm");

    public static GateScript Release { get; } = Load("release");

    public static GateScript Checkout { get; } = Load("checkout");

    public static GateScript Restock { get; } = Load("restock");

    public static GateScript Settle { get; } = Load("settle");

    public static GateScript Park { get; } = Load("park");

    public static GateScript Memory { get; } = Load("memory");

    private static GateScript Load(string name)
    {
        using var stream = typeof(GateScripts).Assembly.GetManifestResourceStream($"Shop.Ordering.Core.Redis.Scripts.{name}.lua")
            ?? throw new InvalidOperationException($"The script {name}.lua is not embedded.");
        using var reader = new StreamReader(stream);
        return new GateScript(name, reader.ReadToEnd());
    }
}
