using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;

namespace Shop.Hosting.Orchestration;

/// <summary>
/// Generated secrets of one app data folder, kept in <c>parameters.json</c> (mode 600) so that passwords stay
/// the same between runs: a server started with its data volume needs the password it was created with.
/// </summary>
internal sealed class GeneratedSecretStore
{
    private const string Alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private const int Length = 22;
    private static readonly ConcurrentDictionary<string, GeneratedSecretStore> Stores = new(StringComparer.Ordinal);

    private readonly string _path;
    private readonly Lock _gate = new();

    private GeneratedSecretStore(string appDataPath) => _path = Path.Combine(appDataPath, "parameters.json");

    public static GeneratedSecretStore For(string appDataPath) => Stores.GetOrAdd(Path.GetFullPath(appDataPath), p => new GeneratedSecretStore(p));

    public string GetOrCreate(string name)
    {
        lock (_gate)
        {
            var values = Load();
            if (values.TryGetValue(name, out var existing))
            {
                return existing;
            }
            // Letters and digits only: the value goes into connection strings and URLs unescaped.
            var value = RandomNumberGenerator.GetString(Alphabet, Length);
            values[name] = value;
            Save(values);
            return value;
        }
    }

    private Dictionary<string, string> Load()
    {
        if (!File.Exists(_path))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }
        return JsonSerializer.Deserialize(File.ReadAllText(_path), HostingJsonContext.Default.DictionaryStringString)
            ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    private void Save(Dictionary<string, string> values)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temporary = _path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(values, HostingJsonContext.Default.DictionaryStringString));
        UnixFiles.MakePrivate(temporary);
        File.Move(temporary, _path, overwrite: true);
    }
}
