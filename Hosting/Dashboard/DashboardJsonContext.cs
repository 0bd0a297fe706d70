using System.Text.Json;
using System.Text.Json.Serialization;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Dashboard;

/// <summary>
/// Serialization metadata for the dashboard API, generated at compile time: camelCase names, as browsers and
/// scripts expect, and enums as their names so that a script reads "Running" rather than a number.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ResourceSnapshot))]
[JsonSerializable(typeof(ResourceSnapshot[]))]
[JsonSerializable(typeof(LogLine[]))]
[JsonSerializable(typeof(LogLine))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
