using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Shop.Catalog.Api.Data;
using Shop.Catalog.Data;

namespace Shop.Catalog.Api.Identity;

/// <summary>
/// Checks a user name and password against the users table. An unknown user costs the same hash computation as a
/// wrong password, so the answer time does not reveal which user names exist.
/// </summary>
public sealed class UserAuthenticator(CatalogDbContext db, IPasswordHasher<ShopUser> passwordHasher)
{
    private static readonly ShopUser Nobody = new()
    {
        UserName = "",
        NormalizedUserName = "",
        DisplayName = "",
        PasswordHash = "",
    };

    private static string? _dummyHash;

    /// <summary>The user when the password is right, else null.</summary>
    public async Task<ShopUser?> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var normalized = ShopUser.Normalize(userName);
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedUserName == normalized, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            _dummyHash ??= passwordHasher.HashPassword(Nobody, Guid.NewGuid().ToString());
            passwordHasher.VerifyHashedPassword(Nobody, _dummyHash, password);
            return null;
        }

        var result = passwordHasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = passwordHasher.HashPassword(user, password);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        return user;
    }
}
