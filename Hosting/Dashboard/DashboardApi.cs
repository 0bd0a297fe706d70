using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Shop.Hosting.Orchestration;

namespace Shop.Hosting.Dashboard;

/// <summary>
/// <c>/api/resources</c>: what the dashboard page reads, and what scripts may read too. Secrets never appear
/// in an answer (see <see cref="ResourceSnapshotMapper.Mask"/>).
/// </summary>
internal static class DashboardApi
{
    public static void MapDashboardApi(this IEndpointRouteBuilder endpoints)
    {
        var resources = endpoints.MapGroup("/api/resources");
        resources.MapGet("", ListResources);
        resources.MapGet("/{name}", GetResource);
        resources.MapGet("/{name}/logs", GetLogs);
        resources.MapGet("/{name}/logs/stream", StreamLogs);
        resources.MapPost("/{name}/restart", Restart).AddEndpointFilter(SameOrigin.Require);
    }

    /// <summary>Every resource, in the order the AppHost declares them.</summary>
    internal static Ok<ResourceSnapshot[]> ListResources(DashboardResources resources) =>
        TypedResults.Ok(resources.Snapshots().ToArray());

    internal static Results<Ok<ResourceSnapshot>, ProblemHttpResult> GetResource(string name, DashboardResources resources)
    {
        var resource = resources.Find(name);
        return resource is null
            ? UnknownResource(name, resources)
            : TypedResults.Ok(ResourceSnapshotMapper.ToSnapshot(resource, resources.StateOf(resource.Name)));
    }

    /// <summary>The buffered console lines after sequence number <paramref name="after"/> (all of them when absent).</summary>
    internal static Results<Ok<LogLine[]>, ProblemHttpResult> GetLogs(string name, long? after, DashboardResources resources)
    {
        var resource = resources.Find(name);
        if (resource is null)
        {
            return UnknownResource(name, resources);
        }
        var lines = resources.StateOf(resource.Name)?.Log.Snapshot() ?? [];
        return TypedResults.Ok(lines.Where(l => l.Sequence > (after ?? 0)).ToArray());
    }

    /// <summary>
    /// Server-Sent Events, one JSON log line per event. A browser that reconnects sends <c>Last-Event-ID</c>
    /// and continues where it stopped instead of receiving the backlog twice.
    /// </summary>
    internal static Results<ServerSentEventsResult<LogLine>, ProblemHttpResult> StreamLogs(
        string name,
        long? after,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        DashboardResources resources,
        IHostApplicationLifetime lifetime,
        HttpResponse response,
        CancellationToken disconnected)
    {
        var resource = resources.Find(name);
        if (resource is null)
        {
            return UnknownResource(name, resources);
        }
        var from = LogStream.ResumeAfter(lastEventId, resources.RunId, after);
        return TypedResults.ServerSentEvents(
            LogStream.FollowAsync(response, resources.Store, resources.RunId, resource.Name, from, lifetime.ApplicationStopping, disconnected));
    }

    /// <summary>Starts a restart and answers at once; the page follows its progress through the resource's state.</summary>
    internal static Results<Accepted, ProblemHttpResult> Restart(string name, DashboardResources resources, RestartCommands commands)
    {
        var resource = resources.Find(name);
        if (resource is null)
        {
            return UnknownResource(name, resources);
        }
        if (resources.StateOf(resource.Name) is null)
        {
            return Conflict("Not started yet", $"Resource '{resource.Name}' has not been started yet; try again in a moment.");
        }
        return commands.TryStart(resource.Name)
            ? TypedResults.Accepted($"/api/resources/{resource.Name}")
            : Conflict("Restart under way", $"Resource '{resource.Name}' is already restarting.");
    }

    private static ProblemHttpResult UnknownResource(string name, DashboardResources resources) =>
        TypedResults.Problem(
            title: "Unknown resource",
            detail: $"There is no resource named '{name}'. Resources: {string.Join(", ", resources.Snapshots().Select(s => s.Name))}.",
            statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict);
}
