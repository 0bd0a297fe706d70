namespace Shop.Catalog.Api.Infrastructure;

/// <summary>
/// What text the catalog accepts. PostgreSQL rejects a NUL character and Npgsql an unpaired surrogate; both would
/// surface as a 500, so they (and other control characters) are refused up front as a client mistake.
/// </summary>
internal static class TextRules
{
    /// <summary>True when <paramref name="value"/> has no control character (line breaks and tabs allowed when
    /// <paramref name="multiline"/>) and no unpaired UTF-16 surrogate.</summary>
    public static bool IsClean(string value, bool multiline = false)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return false;
                }
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
            else if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t'))
            {
                return false;
            }
        }
        return true;
    }
}
