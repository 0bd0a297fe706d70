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
    /// Lines after <paramref name="after"/>, each with <c>{run id}-{sequence}</c> as the event id, so that a
    /// browser reconnecting with <c>Last-Event-ID</c> gets only what it missed (see <see cref="ResumeAfter"/>). Ends quietly when the client goes away
    /// (<paramref name="disconnected"/>) or the dashboard stops (<paramref name="stopping"/>): neither is an error.
    /// </summary>
    /// <param name="response">The response being written: its headers are sent at once.</param>
    public static async IAsyncEnumerable<SseItem<LogLine>> FollowAsync(
        HttpResponse response,
        ResourceStore store,
        string runId,
        string name,
        long after,
        CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken disconnected)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping, disconnected);
        // The SSE result sends its headers with the first event, but a quiet resource may have none for a long
        // time, and the browser reports the stream open (and a client sees the 200) only once headers arrive.
        // Flushing sends them now (HttpResponse.StartAsync would only queue them).
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
                    yield return new SseItem<LogLine>(line) { EventId = string.Create(CultureInfo.InvariantCulture, $"{runId}-{line.Sequence}") };
                }
            }
        }
        finally
        {
            await lines.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Where a stream resumes: after the sequence in <paramref name="lastEventId"/> when it comes from this run,
    /// from the start when it comes from an earlier run, else after <paramref name="after"/>.
    /// </summary>
    public static long ResumeAfter(string? lastEventId, string runId, long? after)
    {
        if (string.IsNullOrEmpty(lastEventId))
        {
            return after ?? 0;
        }
        var separator = lastEventId.LastIndexOf('-');
        return separator > 0
            && lastEventId.AsSpan(0, separator).SequenceEqual(runId)
            && long.TryParse(lastEventId.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
                ? sequence
                : 0;
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
