namespace Shop.Identity.Data.Seed;

/// <summary>
/// The accounts and clients the migrations resource keeps in identitydb at each start (section <c>Identity</c> of its
/// configuration). Nothing here has a default that lets anyone in: demo users only when asked for (run mode's
/// Development default, never in Production), the admin account only with a password the deployer chose.
/// </summary>
public sealed class IdentitySeedOptions
{
    public const string SectionName = "Identity:Seed";

    /// <summary>The demo shoppers and the demo admin, with <see cref="ShopperPassword"/> and <see cref="AdminPassword"/>. Refused in Production.</summary>
    public bool DemoUsers { get; set; }

    public string ShopperPassword { get; set; } = "Pass@word1";

    public string AdminPassword { get; set; } = "Admin@word1";

    /// <summary>The admin account of a deployment (<c>Identity:Seed:Admin:*</c>): created, or its password reset, when a password is set.</summary>
    public AdminAccount Admin { get; set; } = new();

    /// <summary>
    /// The storefront's client secret (the AppHost's secret parameter <c>storefront-client-secret</c>): registers the
    /// confidential client <c>storefront</c>, which signs shoppers in server-to-server and revokes their sessions.
    /// </summary>
    public string? StorefrontClientSecret { get; set; }

    public sealed class AdminAccount
    {
        public string UserName { get; set; } = "admin";

        public string? Password { get; set; }
    }
}
