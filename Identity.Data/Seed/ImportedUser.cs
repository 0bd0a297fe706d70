namespace Shop.Identity.Data.Seed;

/// <summary>
/// An account from before identity-api (catalogdb's <c>users</c> table), kept as it was: its id (the buyer id of its
/// orders), name and password hash (already ASP.NET Core Identity's format) and roles.
/// </summary>
public sealed record ImportedUser(Guid Id, string UserName, string DisplayName, string PasswordHash, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt);
