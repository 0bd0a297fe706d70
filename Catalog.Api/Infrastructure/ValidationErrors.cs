namespace Shop.Catalog.Api.Infrastructure;

/// <summary>Collects field errors for a 400 ValidationProblem (<c>errors: { field: [messages] }</c>).</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }
        messages.Add(message);
    }

    /// <summary>A required string: present, trimmed non-empty, at most <paramref name="maxLength"/>, clean text.</summary>
    public string? RequiredText(string field, string? value, int maxLength, bool multiline = false, bool allowEmpty = false)
    {
        if (value is null)
        {
            Add(field, $"'{field}' is required.");
            return null;
        }
        var trimmed = value.Trim();
        if (trimmed.Length == 0 && !allowEmpty)
        {
            Add(field, $"'{field}' must not be empty.");
            return null;
        }
        if (trimmed.Length > maxLength)
        {
            Add(field, $"'{field}' must be at most {maxLength} characters long (it has {trimmed.Length}).");
            return null;
        }
        if (!TextRules.IsClean(trimmed, multiline))
        {
            Add(field, $"'{field}' contains control characters or invalid Unicode.");
            return null;
        }
        return trimmed;
    }

    public int? RequiredInt(string field, int? value, int min, int max)
    {
        if (value is not int v)
        {
            Add(field, $"'{field}' is required.");
            return null;
        }
        if (v < min || v > max)
        {
            Add(field, $"'{field}' must be between {min} and {max} (it is {v}).");
            return null;
        }
        return v;
    }

    /// <summary>A money amount: present, greater than 0, at most <paramref name="max"/>, at most two decimals.</summary>
    public decimal? RequiredPrice(string field, decimal? value, decimal max)
    {
        if (value is not decimal v)
        {
            Add(field, $"'{field}' is required.");
            return null;
        }
        if (v <= 0 || v > max)
        {
            Add(field, $"'{field}' must be greater than 0 and at most {max} (it is {v}).");
            return null;
        }
        if (decimal.Round(v, 2) != v)
        {
            Add(field, $"'{field}' must have at most two decimals (it is {v}).");
            return null;
        }
        return v;
    }

    public DateTimeOffset? RequiredTime(string field, DateTimeOffset? value)
    {
        if (value is not DateTimeOffset v)
        {
            Add(field, $"'{field}' is required.");
            return null;
        }
        // PostgreSQL stores instants in UTC with microsecond precision, and Npgsql refuses other offsets:
        // normalise here, so that a value compares equal to what the database will hold.
        var utcTicks = v.UtcTicks;
        return new DateTimeOffset(utcTicks - (utcTicks % 10), TimeSpan.Zero);
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
