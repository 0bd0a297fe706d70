namespace Shop.Web.Services;

/// <summary>The flash-sale page's output cache: one render per sale per <see cref="Duration"/>, shared by every visitor.</summary>
public static class SalePageCache
{
    public const string PolicyName = "sale-page";

    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(2);
}
