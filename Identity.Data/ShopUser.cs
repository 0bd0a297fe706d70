using Microsoft.AspNetCore.Identity;

namespace Shop.Identity.Data;

/// <summary>
/// A person who can sign in: a shopper or an admin. ASP.NET Core Identity's user (its hashing, normalized user name,
/// security stamp), keyed by a Guid: the id is the <c>sub</c> of every token and the buyer id of every order.
/// </summary>
public sealed class ShopUser : IdentityUser<Guid>
{
    public const int UserNameMaxLength = 64;

    /// <summary>The name shown to the user (the storefront's "Signed in as …").</summary>
    public string DisplayName { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}
