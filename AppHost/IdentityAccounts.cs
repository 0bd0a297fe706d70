namespace Shop.AppHost;

internal static class IdentityAccounts
{
    /// <summary>
    /// Which accounts the migrations resource keeps in identitydb (docs/identity.md, "Accounts"). Run mode: the demo
    /// users, unless <c>Identity:DemoUsers</c> is false in the AppHost's configuration or the AppHost runs in Production
    /// (the migrations resource runs in the AppHost's environment, and refuses demo users in Production). Publish mode: never a demo user;
    /// the admin account with the password the deployer gives the secret parameter <c>identity-admin-password</c>
    /// (azd asks for it), so no deployed shop has a password anyone could read in this repository.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithShopAccounts(this IResourceBuilder<ProjectResource> migrations, IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            var adminPassword = builder.AddParameter("identity-admin-password", secret: true);
            return migrations.WithEnvironment("Identity__Seed__Admin__Password", adminPassword);
        }
        var demoUsers = !string.Equals(builder.Configuration["Identity:DemoUsers"], "false", StringComparison.OrdinalIgnoreCase);
        return migrations
            .WithEnvironment("DOTNET_ENVIRONMENT", builder.Environment.EnvironmentName)
            .WithEnvironment("Identity__Seed__DemoUsers", demoUsers ? "true" : "false");
    }
}
