using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using Shop.ServiceDefaults.Identity;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Shop.Identity.Data.Seed;

/// <summary>
/// Keeps identitydb's accounts and clients as configured (<see cref="IdentitySeedOptions"/>), at every start of the app:
/// the roles, the issuer's keys, the OAuth clients, the demo users where asked for (their passwords set to the
/// configured ones, so a changed seed password takes effect) and the deployment's admin account.
/// </summary>
public sealed partial class IdentitySeeder(
    ShopIdentityDbContext db,
    UserManager<ShopUser> users,
    RoleManager<IdentityRole<Guid>> roles,
    IOpenIddictApplicationManager applications,
    IOptions<IdentitySeedOptions> options,
    IHostEnvironment environment,
    TimeProvider time,
    ILogger<IdentitySeeder> logger)
{
    /// <param name="imported">Accounts from before identity-api, added first (by id; names already taken are skipped), so a demo user keeps the id its orders name.</param>
    public async Task SeedAsync(IReadOnlyList<ImportedUser> imported, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        foreach (var role in new[] { ShopRoles.Admin, ShopRoles.Shopper })
        {
            if (!await roles.RoleExistsAsync(role).ConfigureAwait(false))
            {
                Check(await roles.CreateAsync(new IdentityRole<Guid>(role) { Id = Guid.CreateVersion7() }).ConfigureAwait(false), $"role {role}");
            }
        }

        if (await IssuerKeys.EnsureCreatedAsync(db, time, cancellationToken).ConfigureAwait(false) > 0)
        {
            LogKeysCreated(logger);
        }
        await SeedClientsAsync(settings, cancellationToken).ConfigureAwait(false);
        await ImportAsync(imported).ConfigureAwait(false);

        if (settings.DemoUsers)
        {
            if (environment.IsProduction())
            {
                // A deployed shop never has accounts whose passwords are printed in the README.
                LogDemoUsersRefused(logger);
            }
            else
            {
                foreach (var (userName, displayName, role) in DemoUsers.All)
                {
                    await EnsureUserAsync(userName, displayName, role, role == ShopRoles.Admin ? settings.AdminPassword : settings.ShopperPassword).ConfigureAwait(false);
                }
            }
        }
        if (settings.Admin.Password is { Length: > 0 } adminPassword)
        {
            await EnsureUserAsync(settings.Admin.UserName, "Shop Admin", ShopRoles.Admin, adminPassword).ConfigureAwait(false);
        }
    }

    private async Task SeedClientsAsync(IdentitySeedOptions settings, CancellationToken cancellationToken)
    {
        // Every API's scope, and its resource indicator (a request granted several names the one its token is for).
        string[] apiPermissions = [
            .. ShopAudiences.ByScope.Keys.Select(scope => Permissions.Prefixes.Scope + scope),
            .. ShopAudiences.ByResource.Keys.Select(resource => Permissions.Prefixes.Resource + resource)];
        var cli = new OpenIddictApplicationDescriptor
        {
            ClientId = ShopClients.Cli,
            ClientType = ClientTypes.Public,
            DisplayName = "Shop scripts and tests",
        };
        cli.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.Password, .. apiPermissions]);
        await UpsertClientAsync(cli, cancellationToken).ConfigureAwait(false);

        if (settings.StorefrontClientSecret is { Length: > 0 } secret)
        {
            var storefront = new OpenIddictApplicationDescriptor
            {
                ClientId = ShopClients.Storefront,
                ClientSecret = secret,
                ClientType = ClientTypes.Confidential,
                DisplayName = "Shop storefront",
            };
            storefront.Permissions.UnionWith([
                Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.Password, Permissions.GrantTypes.RefreshToken, .. apiPermissions]);
            await UpsertClientAsync(storefront, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the client, or brings an existing one to the descriptor (a changed secret takes effect).</summary>
    private async Task UpsertClientAsync(OpenIddictApplicationDescriptor descriptor, CancellationToken cancellationToken)
    {
        var existing = await applications.FindByClientIdAsync(descriptor.ClientId!, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            await applications.CreateAsync(descriptor, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await applications.UpdateAsync(existing, descriptor, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ImportAsync(IReadOnlyList<ImportedUser> imported)
    {
        var added = 0;
        foreach (var account in imported)
        {
            if (await users.FindByIdAsync(account.Id.ToString()).ConfigureAwait(false) is not null
                || await users.FindByNameAsync(account.UserName).ConfigureAwait(false) is not null)
            {
                continue;
            }
            var user = new ShopUser
            {
                Id = account.Id,
                UserName = account.UserName,
                DisplayName = account.DisplayName,
                PasswordHash = account.PasswordHash,
                CreatedAt = account.CreatedAt,
            };
            Check(await users.CreateAsync(user).ConfigureAwait(false), $"imported user {account.UserName}");
            foreach (var role in account.Roles.Where(r => r is ShopRoles.Admin or ShopRoles.Shopper))
            {
                Check(await users.AddToRoleAsync(user, role).ConfigureAwait(false), $"imported user {account.UserName}");
            }
            added++;
        }
        if (added > 0)
        {
            LogImported(logger, added);
        }
    }

    /// <summary>Creates the user, or sets the configured password and role on the existing one.</summary>
    private async Task EnsureUserAsync(string userName, string displayName, string role, string password)
    {
        var user = await users.FindByNameAsync(userName).ConfigureAwait(false);
        if (user is null)
        {
            user = new ShopUser { Id = Guid.CreateVersion7(), UserName = userName, DisplayName = displayName, CreatedAt = time.GetUtcNow() };
            Check(await users.CreateAsync(user, password).ConfigureAwait(false), $"user {userName}");
            LogUserCreated(logger, userName, role);
        }
        else if (!await users.CheckPasswordAsync(user, password).ConfigureAwait(false))
        {
            // A new security stamp ends the user's refresh tokens (identity-api checks it at each refresh).
            Check(await users.RemovePasswordAsync(user).ConfigureAwait(false), $"user {userName}");
            Check(await users.AddPasswordAsync(user, password).ConfigureAwait(false), $"user {userName}");
            LogPasswordSet(logger, userName);
        }
        if (!await users.IsInRoleAsync(user, role).ConfigureAwait(false))
        {
            Check(await users.AddToRoleAsync(user, role).ConfigureAwait(false), $"user {userName}");
        }
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Seeding {what} failed: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the token issuer's keys.")]
    private static partial void LogKeysCreated(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Identity:Seed:DemoUsers is set in Production: no demo user is seeded (their passwords are public). Create the admin account with Identity:Seed:Admin:Password.")]
    private static partial void LogDemoUsersRefused(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Count} account(s) from catalogdb into identitydb.")]
    private static partial void LogImported(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created user {UserName} ({Role}).")]
    private static partial void LogUserCreated(ILogger logger, string userName, string role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Set the configured password of {UserName}.")]
    private static partial void LogPasswordSet(ILogger logger, string userName);
}
