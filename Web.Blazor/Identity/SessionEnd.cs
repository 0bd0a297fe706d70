using Microsoft.AspNetCore.Components;

namespace Shop.Web.Identity;

/// <summary>
/// What a live component does when an API refuses the shopper's token (401): the session is over. Only a page
/// request can end it (remove the cookie), and a circuit is not one: so while prerendering, the component signs
/// the shopper out and sends them to sign in; in the circuit, it reloads its page, whose request then does.
/// </summary>
public sealed class SessionEnd(IHttpContextAccessor accessor, NavigationManager navigation)
{
    // No ConfigureAwait(false): NavigateTo must run on the renderer's context (while prerendering it throws the
    // NavigationException the renderer turns into a redirect).
    public async Task SignInAgainAsync(bool interactive)
    {
        var path = "/" + navigation.ToBaseRelativePath(navigation.Uri);
        if (!interactive && accessor.HttpContext is { Response.HasStarted: false } http)
        {
            await ShopperSession.SignOutIfRefusedAsync(http, StatusCodes.Status401Unauthorized);
            navigation.NavigateTo("/signin?returnUrl=" + Uri.EscapeDataString(ShopperSession.SafeReturnUrl(path)), forceLoad: true);
            return;
        }
        navigation.NavigateTo(path, forceLoad: true);
    }
}
