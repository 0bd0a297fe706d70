namespace Shop.Catalog.Data;

/// <summary>A person who can sign in: a shopper or an admin (docs/architecture.md, "Tokens and roles").</summary>
public sealed class ShopUser
{
    public const int UserNameMaxLength = 64;

    public Guid Id { get; set; }

    /// <summary>As the user typed it at registration (shown, put in the token's <c>name</c> claim).</summary>
    public required string UserName { get; set; }

    /// <summary>Lower-case invariant form, unique: sign-in is case-insensitive on the user name.</summary>
    public required string NormalizedUserName { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>ASP.NET Core Identity's PBKDF2 format (<see cref="Microsoft.AspNetCore.Identity.PasswordHasher{TUser}"/>).</summary>
    public required string PasswordHash { get; set; }

    public string[] Roles { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public static string Normalize(string userName) => userName.Trim().ToLowerInvariant();
}
