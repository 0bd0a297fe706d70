using Shop.ServiceDefaults.Identity;

namespace Shop.Identity.Data.Seed;

/// <summary>The demo accounts of run mode (docs/identity.md): five shoppers and an admin.</summary>
public static class DemoUsers
{
    public static IReadOnlyList<(string UserName, string DisplayName, string Role)> All { get; } =
    [
        ("admin", "Shop Admin", ShopRoles.Admin),
        ("alice", "Alice Martin", ShopRoles.Shopper),
        ("bob", "Bob Nguyen", ShopRoles.Shopper),
        ("carol", "Carol Schmidt", ShopRoles.Shopper),
        ("dave", "Dave Okafor", ShopRoles.Shopper),
        ("erin", "Erin Rossi", ShopRoles.Shopper),
    ];
}
