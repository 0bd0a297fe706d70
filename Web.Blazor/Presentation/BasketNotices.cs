using Shop.Web.Services;
using Shop.ServiceDefaults.Problems;

namespace Shop.Web.Presentation;

/// <summary>
/// What happened to a basket change, as a short code (the query <c>basket</c> after an "Add to basket" form post)
/// and the sentence a page shows for it.
/// </summary>
public static class BasketNotices
{
    public const string Added = "added";
    public const string AtMost = "at-most";
    public const string Full = "full";
    public const string Gone = "gone";
    public const string Unavailable = "unavailable";
    public const string ExpiredForm = "expired-form";

    /// <summary>The notice for basket-api's refusal of a change (404 item-not-found, 409 basket-full, 400 bounds).</summary>
    public static string ForProblem(ApiProblem? problem) => problem?.Type switch
    {
        ProblemTypes.ItemNotFound => Gone,
        ProblemTypes.BasketFull => Full,
        _ => AtMost,
    };

    /// <summary>The sentence for a notice; null for an unknown one (nothing is shown).</summary>
    public static string? Text(string? notice) => notice switch
    {
        Added => "Added to your basket.",
        AtMost => $"Your basket already holds the most of this item it can ({BasketApiClient.MaxQuantity}).",
        Full => "Your basket is full: remove an item to add another.",
        Gone => "This product is no longer sold.",
        Unavailable => "Your basket can't be changed right now: please try again in a moment.",
        ExpiredForm => "The page had expired: please try again.",
        _ => null,
    };

    public static bool IsSuccess(string? notice) => notice == Added;
}
