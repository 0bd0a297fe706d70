using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// identity-api's metadata and signing keys for JwtBearer, read once and kept (IdentityModel's
/// <see cref="ConfigurationManager{T}"/> refreshes them in the background and keeps the last good copy when a refresh
/// fails), so a buy never waits on identity-api. What IdentityModel does not do: while the keys have never been read
/// (an API started before identity-api, or identity-api away), it would fetch them on every request and fail each
/// one. Here a failed read is answered with metadata that holds no key, and the next read is tried only after
/// <see cref="TokenValidationOptions.MetadataRetryInterval"/>: tokens signed by identity-api are refused meanwhile
/// (401), every other request (anonymous, a test key's token) is served as usual.
/// </summary>
internal sealed partial class IssuerMetadata(
    IConfigurationManager<OpenIdConnectConfiguration> source, Uri issuer, TimeSpan retryInterval, TimeProvider time, ILogger logger)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    private readonly OpenIdConnectConfiguration _withoutKeys = new() { Issuer = issuer.AbsoluteUri };
    private long _retryAfter;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (time.GetTimestamp() < Interlocked.Read(ref _retryAfter))
        {
            return _withoutKeys;
        }
        try
        {
            return await source.GetConfigurationAsync(cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancel.IsCancellationRequested)
        {
            Interlocked.Exchange(ref _retryAfter, time.GetTimestamp() + (long)(retryInterval.TotalSeconds * time.TimestampFrequency));
            LogUnavailable(logger, issuer, retryInterval.TotalSeconds, e.Message);
            return _withoutKeys;
        }
    }

    /// <summary>JwtBearer asks for this when a token names a key it does not know (identity-api has a new key, or came up).</summary>
    public void RequestRefresh()
    {
        Interlocked.Exchange(ref _retryAfter, 0);
        source.RequestRefresh();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The token issuer's metadata at {Issuer} could not be read (tried again in {Seconds} s): {Reason}. Its tokens are refused until it is read.")]
    private static partial void LogUnavailable(ILogger logger, Uri issuer, double seconds, string reason);
}
