using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Dashboard;

/// <summary>The live console of one resource as Server-Sent Events: the buffered lines, then new ones as they come.</summary>
internal static class LogStream
{
    /// <summary>
    /// Lines after <paramref name="after"/>, each with its sequence number as the event id, so that a browser
    /// reconnecting with <c>Last-Event-ID</c> gets only what it missed. Ends quietly when the client goes away
    /// (<paramref name="disconnected"/>) or the dashboard stops (<paramref name="stopping"/>): neither is an error.
    /// </summary>
    /// <param name="response">The response being written: its headers are sent at once.</param>
    public static async IAsyncEnumerable<SseItem<LogLine>> FollowAsync(
        HttpResponse response,
        ResourceStore store,
        string name,
        long after,
        CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken disconnected)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping, disconnected);
        // The SSE result sends its headers with the first event; a quiet resource may have none for a long
        // time, and the browser reports the stream open (and a test sees the 200) only once headers arrive.
        // (Starting the response only queues them; the flush sends them.)
        await response.Body.FlushAsync(cancel.Token).ConfigureAwait(false);
        var log = await LogOfAsync(store, name, cancel.Token).ConfigureAwait(false);
        if (log is null)
        {
            yield break;
        }
        var lines = log.FollowAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);
        try
        {
            while (await NextAsync(lines, cancel.Token).ConfigureAwait(false))
            {
                var line = lines.Current;
                if (line.Sequence > after)
                {
                    yield return new SseItem<LogLine>(line) { EventId = line.Sequence.ToString(CultureInfo.InvariantCulture) };
                }
            }
        }
        finally
        {
            await lines.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The resource's log once the orchestrator has created it; null if the stream ends first.</summary>
    private static async Task<ResourceLog?> LogOfAsync(ResourceStore store, string name, CancellationToken cancellationToken)
    {
        try
        {
            await store.Started.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        return store.Get(name).Log;
    }

    private static async ValueTask<bool> NextAsync(IAsyncEnumerator<LogLine> lines, CancellationToken cancellationToken)
    {
        try
        {
            return await lines.MoveNextAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
