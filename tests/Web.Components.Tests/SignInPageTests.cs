using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Shop.Web.Components.Pages;
using Shop.Web.Identity;

namespace Shop.Web.Components.Tests;

/// <summary>The sign-in page names the demo accounts and their passwords only where they exist: run mode's Development.</summary>
public sealed class SignInPageTests : BunitContext
{
    [Theory]
    [InlineData("Production", false)]
    [InlineData("Staging", false)]
    [InlineData("Development", true)]
    public void The_demo_passwords_are_shown_in_Development_only(string environment, bool shown)
    {
        Services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgery());
        Services.AddSingleton<IWebHostEnvironment>(new Environment(environment));
        Services.AddSingleton(new IdentityApiClient(new HttpClient { BaseAddress = new Uri("http://identity-api") },
            Options.Create(new StorefrontClientOptions { StorefrontClientSecret = "unused" }), TimeProvider.System));

        var page = Render<SignIn>();

        Assert.NotEmpty(page.FindAll("form input[type=password]"));
        Assert.Equal(shown, page.FindAll("[data-demo-users]").Count == 1);
        Assert.Equal(shown, page.Markup.Contains("Pass@word1", StringComparison.Ordinal));
        Assert.Equal(shown, page.Markup.Contains("Admin@word1", StringComparison.Ordinal));
    }

    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new("test-antiforgery", "__RequestVerificationToken");
    }

    private sealed class Environment(string name) : IWebHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Web.Blazor";
        public string WebRootPath { get; set; } = "";
        public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
