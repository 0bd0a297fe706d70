namespace Shop.Web.Presentation;

/// <summary>
/// Which page links a pager shows: always the first and last page, a window around the current one, and a gap
/// (null) where pages are left out. Pages are 1-based, as in the URL.
/// </summary>
public sealed record Pagination(int CurrentPage, int PageSize, long TotalCount)
{
    public int PageCount => TotalCount <= 0 ? 1 : (int)Math.Min(int.MaxValue, (TotalCount + PageSize - 1) / PageSize);

    public bool HasPrevious => CurrentPage > 1;

    public bool HasNext => CurrentPage < PageCount;

    /// <summary>First and last item shown on this page (1-based), e.g. "13–24 of 120".</summary>
    public (long First, long Last) Range => TotalCount == 0
        ? (0, 0)
        : ((long)(CurrentPage - 1) * PageSize + 1, Math.Min(TotalCount, (long)CurrentPage * PageSize));

    /// <summary>Page numbers to link, with null for a gap ("…").</summary>
    public IReadOnlyList<int?> Links(int window = 1)
    {
        var pages = new SortedSet<int> { 1, PageCount };
        for (var page = CurrentPage - window; page <= CurrentPage + window; page++)
        {
            if (page >= 1 && page <= PageCount)
            {
                pages.Add(page);
            }
        }
        var links = new List<int?>();
        var previous = 0;
        foreach (var page in pages)
        {
            if (page - previous == 2)
            {
                links.Add(previous + 1); // a gap of one page: show the page rather than "…"
            }
            else if (page - previous > 2)
            {
                links.Add(null);
            }
            links.Add(page);
            previous = page;
        }
        return links;
    }

    /// <summary>A page number from the query string, clamped to a sane range (bad input shows page 1).</summary>
    public static int ParsePage(string? value) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var page) && page is >= 1 and <= 100_000
            ? page
            : 1;
}
