using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Shop.ServiceDefaults.Identity;

/// <summary>
/// identity-api's metadata and signing keys for JwtBearer, read once and kept (IdentityModel's
/// <see cref="ConfigurationManager{T}"/> then refreshes them in the background and keeps the last good copy when a
/// refresh fails), so a buy never waits on identity-api. What IdentityModel does not do: until the keys have been read
/// once (an API started before identity-api, or while it is down, or a test app that does not run it), every request
/// would wait for a read that fails, one after another. Here a read runs on its own: the requests that arrive during
/// the very first one wait for it at most <see cref="FirstReadWait"/>; once a read has failed, none waits, and it is
/// tried again in the background after <see cref="TokenValidationOptions.MetadataRetryInterval"/> (or at once when a
/// token names a key not seen yet). Meanwhile the answer is metadata without keys: tokens signed by identity-api get
/// 401, every other request (anonymous, a test key's token) is served as usual and as fast as usual.
/// </summary>
internal sealed partial class IssuerMetadata(
    IConfigurationManager<OpenIdConnectConfiguration> source, Uri issuer, TimeSpan retryInterval, TimeProvider time, ILogger logger)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    /// <summary>How long a request waits for the first read of the keys (a read of a reachable identity-api takes milliseconds).</summary>
    public static readonly TimeSpan FirstReadWait = TimeSpan.FromSeconds(1);

    private readonly OpenIdConnectConfiguration _withoutKeys = new() { Issuer = issuer.AbsoluteUri };
    private readonly Lock _gate = new();
    private Task<OpenIdConnectConfiguration?>? _firstRead;
    private long _retryAfter;
    private volatile bool _loaded;
    private volatile bool _failedOnce;

    public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (_loaded)
        {
            try
            {
                // Cached: IdentityModel answers from memory and refreshes in the background.
                return await source.GetConfigurationAsync(cancel).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancel.IsCancellationRequested)
            {
                LogUnavailable(logger, issuer, retryInterval.TotalSeconds, e.Message);
                return _withoutKeys;
            }
        }
        var read = FirstRead();
        if (read is null || _failedOnce)
        {
            return _withoutKeys;
        }
        var finished = await Task.WhenAny(read, Task.Delay(FirstReadWait, time, cancel)).ConfigureAwait(false);
        return finished == read ? await read.ConfigureAwait(false) ?? _withoutKeys : _withoutKeys;
    }

    /// <summary>JwtBearer asks for this when a token names a key it does not know (identity-api has a new key, or came up).</summary>
    public void RequestRefresh()
    {
        Interlocked.Exchange(ref _retryAfter, 0);
        source.RequestRefresh();
    }

    /// <summary>The read under way, or a new one when none is and the retry interval has passed; null while waiting to retry.</summary>
    private Task<OpenIdConnectConfiguration?>? FirstRead()
    {
        lock (_gate)
        {
            if (_firstRead is { IsCompleted: false } running)
            {
                return running;
            }
            if (time.GetTimestamp() < Interlocked.Read(ref _retryAfter))
            {
                return null;
            }
            _firstRead = ReadAsync();
            return _firstRead;
        }
    }

    private async Task<OpenIdConnectConfiguration?> ReadAsync()
    {
        try
        {
            // Not the request's token: the read outlives the request that started it, for the ones after it.
            var configuration = await source.GetConfigurationAsync(CancellationToken.None).ConfigureAwait(false);
            _loaded = true;
            return configuration;
        }
        catch (Exception e)
        {
            _failedOnce = true;
            Interlocked.Exchange(ref _retryAfter, time.GetTimestamp() + (long)(retryInterval.TotalSeconds * time.TimestampFrequency));
            LogUnavailable(logger, issuer, retryInterval.TotalSeconds, e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The token issuer's metadata at {Issuer} could not be read (tried again in {Seconds} s): {Reason}. Its tokens are refused until it is read.")]
    private static partial void LogUnavailable(ILogger logger, Uri issuer, double seconds, string reason);
}
