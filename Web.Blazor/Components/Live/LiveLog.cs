namespace Shop.Web.Components.Live;

/// <summary>
/// The live components' log messages. Here rather than in the .razor files: the logging source generator does not
/// see the classes the Razor generator writes.
/// </summary>
internal static partial class LiveLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "An order was placed but the basket could not be emptied (basket-api answered {Status}).")]
    public static partial void BasketNotCleared(ILogger logger, int? status, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "A live page's refresh failed (ordering-api answered {Status}); the next one tries again.")]
    public static partial void RefreshFailed(ILogger logger, int? status, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live page's refresh failed unexpectedly; the next one tries again.")]
    public static partial void FollowFailed(ILogger logger, Exception exception);
}
