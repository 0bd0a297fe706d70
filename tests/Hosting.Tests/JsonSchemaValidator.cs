using System.Text.Json;

namespace Shop.Hosting.Tests;

/// <summary>
/// A JSON Schema (draft-07) validator for the keywords the Aspire manifest schema uses: type, properties,
/// required, additionalProperties, items, enum, const, oneOf, allOf, not, $ref to local definitions. No schema
/// validator restores from this machine's package feed, so the tests carry this one. A keyword it does not
/// know makes it fail loudly rather than pass silently.
/// </summary>
internal sealed class JsonSchemaValidator(JsonElement root)
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "description", "title", "definitions", "default", "examples"];

    public List<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Validate(root, instance, "$", errors);
        return errors;
    }

    private void Validate(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }
        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: not allowed");
            return;
        }
        foreach (var keyword in schema.EnumerateObject())
        {
            var value = keyword.Value;
            switch (keyword.Name)
            {
                case "$ref":
                    Validate(Resolve(value.GetString()!), instance, path, errors);
                    break;
                case "type":
                    if (!HasType(instance, value))
                    {
                        errors.Add($"{path}: expected type {value} but found {instance.ValueKind}");
                    }
                    break;
                case "const":
                    if (!JsonElement.DeepEquals(value, instance))
                    {
                        errors.Add($"{path}: expected {value} but found {instance}");
                    }
                    break;
                case "enum":
                    if (!value.EnumerateArray().Any(v => JsonElement.DeepEquals(v, instance)))
                    {
                        errors.Add($"{path}: {instance} is not one of {value}");
                    }
                    break;
                case "required":
                    if (instance.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var name in value.EnumerateArray().Select(v => v.GetString()!).Where(n => !instance.TryGetProperty(n, out _)))
                        {
                            errors.Add($"{path}: missing required property '{name}'");
                        }
                    }
                    break;
                case "properties":
                    ValidateObject(schema, instance, path, errors);
                    break;
                case "additionalProperties":
                    // With "properties" present, ValidateObject already applied it to the other properties.
                    if (!schema.TryGetProperty("properties", out _))
                    {
                        ValidateObject(schema, instance, path, errors);
                    }
                    break;
                case "items":
                    if (instance.ValueKind == JsonValueKind.Array)
                    {
                        var index = 0;
                        foreach (var item in instance.EnumerateArray())
                        {
                            Validate(value, item, $"{path}[{index++}]", errors);
                        }
                    }
                    break;
                case "oneOf":
                    var matches = value.EnumerateArray().Count(s => Passes(s, instance, path));
                    if (matches != 1)
                    {
                        errors.Add($"{path}: must match exactly one schema of oneOf, matched {matches}");
                    }
                    break;
                case "allOf":
                    foreach (var sub in value.EnumerateArray())
                    {
                        Validate(sub, instance, path, errors);
                    }
                    break;
                case "not":
                    if (Passes(value, instance, path))
                    {
                        errors.Add($"{path}: must not match the 'not' schema");
                    }
                    break;
                default:
                    if (!Annotations.Contains(keyword.Name))
                    {
                        throw new NotSupportedException($"Schema keyword '{keyword.Name}' at {path} is not supported by this validator.");
                    }
                    break;
            }
        }
    }

    private void ValidateObject(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        var hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var property in instance.EnumerateObject())
        {
            var childPath = $"{path}.{property.Name}";
            if (hasProperties && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Validate(propertySchema, property.Value, childPath, errors);
            }
            else if (hasAdditional)
            {
                Validate(additional, property.Value, childPath, errors);
            }
        }
    }

    private bool Passes(JsonElement schema, JsonElement instance, string path)
    {
        var errors = new List<string>();
        Validate(schema, instance, path, errors);
        return errors.Count == 0;
    }

    private JsonElement Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"Only local references are supported: {reference}");
        }
        var node = root;
        foreach (var segment in reference[2..].Split('/'))
        {
            node = node.GetProperty(segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
        }
        return node;
    }

    private static bool HasType(JsonElement instance, JsonElement type) => type.ValueKind == JsonValueKind.Array
        ? type.EnumerateArray().Any(t => HasType(instance, t))
        : type.GetString() switch
        {
            "object" => instance.ValueKind == JsonValueKind.Object,
            "array" => instance.ValueKind == JsonValueKind.Array,
            "string" => instance.ValueKind == JsonValueKind.String,
            "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "number" => instance.ValueKind == JsonValueKind.Number,
            "integer" => instance.ValueKind == JsonValueKind.Number && instance.TryGetInt64(out _),
            "null" => instance.ValueKind == JsonValueKind.Null,
            var other => throw new NotSupportedException($"Unknown type '{other}'"),
        };
}
