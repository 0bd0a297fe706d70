using System.Text.Json.Serialization;

namespace Shop.Hosting;

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class HostingJsonContext : JsonSerializerContext;
