using System.Globalization;
using Shop.Bench.Reporting;

namespace Shop.Bench.Ceilings;

/// <summary>
/// The storms' offered rates, raised to the ceilings measured earlier in the same run. A storm offered below the
/// ceiling it is compared with measures the offered rate, not the capacity: the catalog storm offered at 10,000/s
/// once reported 6,709 reads/s as "0.29 of K" on a machine whose K was 23,411/s.
/// </summary>
public static class StormRates
{
    /// <summary>How far above its ceiling a storm is offered: the generator's own jitter must not leave it below.</summary>
    public const double Headroom = 1.1;

    public static (BenchOptions Options, IReadOnlyList<string> Notes) AtLeastTheCeilings(BenchOptions options, IReadOnlyList<CeilingResult> ceilings)
    {
        var kestrel = CeilingResult.Kestrel(ceilings)?.RatePerSecond;
        var lua = CeilingResult.Lua(ceilings)?.RatePerSecond;
        if (options.Quick || (kestrel is null && lua is null))
        {
            // A quick run is for trying things out (small numbers); without ceilings there is nothing to raise to.
            return (options, []);
        }
        var notes = new List<string>();
        double Raise(string storm, double configured, double? ceiling, string ceilingName)
        {
            if (ceiling is not { } c || configured >= c * Headroom)
            {
                return configured;
            }
            var raised = Math.Ceiling(c * Headroom / 100) * 100;
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"{storm} offered at {raised:N0}/s ({Headroom:0.#} × {ceilingName} {c:N0}/s of this run) instead of the configured {configured:N0}/s, so that it measures capacity."));
            return raised;
        }
        var raisedOptions = options with
        {
            SoldOutRate = Raise("sold-out storm", options.SoldOutRate, kestrel, "bare Kestrel K"),
            CatalogRate = Raise("catalog read storm", options.CatalogRate, kestrel, "bare Kestrel K"),
            StorefrontRate = Raise("storefront page views", options.StorefrontRate, kestrel, "bare Kestrel K"),
            CheckoutRate = Raise("basket checkout", options.CheckoutRate, lua, "reserve.lua alone L"),
        };
        return (raisedOptions, notes);
    }
}
