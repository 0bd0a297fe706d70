using System.ComponentModel.DataAnnotations;

namespace Shop.Identity.Api.Tokens;

/// <summary>
/// How long tokens live (section <c>Identity:Tokens</c>). Access tokens are short: the APIs check them locally, so a
/// sign-out or a removed account reaches them only when the token expires. A refresh token is a session: revoked at
/// sign-out, checked against the account at each use; an admin's is shorter.
/// </summary>
public sealed class TokenLifetimes
{
    public const string SectionName = "Identity:Tokens";

    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan AccessToken { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan ShopperSession { get; set; } = TimeSpan.FromHours(8);

    public TimeSpan AdminSession { get; set; } = TimeSpan.FromHours(1);
}
