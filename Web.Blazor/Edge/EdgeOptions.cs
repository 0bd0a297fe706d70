using System.ComponentModel.DataAnnotations;
using System.Net;

namespace Shop.Web.Edge;

/// <summary>
/// How the storefront faces the internet (section <c>Storefront:Edge</c>): which proxies' forwarded headers it
/// believes, how large a request body may be, and how many requests one anonymous address may send that miss the
/// page caches. Checked at start.
/// </summary>
public sealed class EdgeOptions : IValidatableObject
{
    public const string SectionName = "Storefront:Edge";

    /// <summary>
    /// Addresses of the proxies (the ingress) whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed.
    /// None by default: a request's own connection is then all the storefront believes (a client cannot claim to be
    /// https, or another address, by sending the headers itself).
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>The same as networks in CIDR notation (<c>10.0.0.0/8</c>), for an ingress whose address is not fixed.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>
    /// The largest request body (bytes). Shop's forms and BFF bodies are well under 4 KiB; Kestrel's default is 30 MB.
    /// </summary>
    [Range(1024, 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024;

    /// <summary>Anonymous requests that miss the page caches, per client address: the bucket's size (a burst).</summary>
    [Range(0, 1_000_000)]
    public int AnonymousBurst { get; set; } = 100;

    /// <summary>...and how many it regains per second. 0 for both turns the limit off (the bench's own compositions).</summary>
    [Range(0, 1_000_000)]
    public int AnonymousPerSecond { get; set; } = 20;

    /// <summary>How long browsers remember to use https only (HSTS), outside Development.</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    public bool RateLimited => AnonymousBurst > 0 && AnonymousPerSecond > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"{SectionName}:KnownProxies: '{proxy}' is not an IP address.", [nameof(KnownProxies)]);
        }
        foreach (var network in KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"{SectionName}:KnownNetworks: '{network}' is not a network in CIDR notation (10.0.0.0/8).", [nameof(KnownNetworks)]);
        }
        if ((AnonymousBurst > 0) != (AnonymousPerSecond > 0))
        {
            yield return new ValidationResult($"{SectionName}: AnonymousBurst and AnonymousPerSecond are both above 0 (a limit) or both 0 (none).", [nameof(AnonymousBurst)]);
        }
    }
}
