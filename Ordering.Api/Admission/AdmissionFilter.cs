using System.Threading.RateLimiting;
using Shop.Ordering.Api.Telemetry;
using Shop.ServiceDefaults.Identity;
using Shop.ServiceDefaults.Problems;

namespace Shop.Ordering.Api.Admission;

/// <summary>
/// <see cref="OrderAdmission"/> as an endpoint filter on the decision endpoints (a buy, a checkout): the buyer's token
/// bucket, then a permit for one decision in flight in this process, held until the handler has answered. A refusal
/// is a 429 with <c>Retry-After</c>, answered before the handler reads the body or asks the gate.
/// </summary>
public static class AdmissionFilter
{
    /// <param name="count">Counts a refusal ("shed") with the endpoint's own decision metric.</param>
    public static RouteHandlerBuilder RequireAdmission(this RouteHandlerBuilder endpoint, Action<OrderingApiMetrics, string> count)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(count);
        return endpoint.AddEndpointFilter((context, next) =>
        {
            var http = context.HttpContext;
            var admission = http.RequestServices.GetRequiredService<OrderAdmission>();
            var buyerLease = admission.AdmitBuyer(http.User.UserId());
            if (!buyerLease.IsAcquired)
            {
                http.Response.Headers.RetryAfter = OrderAdmission.RetryAfterSeconds(buyerLease);
                buyerLease.Dispose();
                return Shed(http, count, "Too many attempts from your account: try again in a moment.");
            }
            buyerLease.Dispose(); // a bucket's token is spent, not held: the lease holds nothing
            var decisionLease = admission.AdmitDecision();
            if (!decisionLease.IsAcquired)
            {
                http.Response.Headers.RetryAfter = "1";
                decisionLease.Dispose();
                return Shed(http, count, "The shop is very busy: try again in a second.");
            }
            // Held until the handler has answered. Not an async lambda: on the hot path the permit is released by a
            // continuation only when the handler did not complete at once (it awaits the gate, so it rarely does).
            ValueTask<object?> answer;
            try
            {
                answer = next(context);
            }
            catch
            {
                decisionLease.Dispose();
                throw;
            }
            if (answer.IsCompleted)
            {
                decisionLease.Dispose();
                return answer;
            }
            return ReleaseWhenAnsweredAsync(answer, decisionLease);
        });
    }

    private static async ValueTask<object?> ReleaseWhenAnsweredAsync(ValueTask<object?> answer, RateLimitLease lease)
    {
        using (lease)
        {
            return await answer.ConfigureAwait(false);
        }
    }

    private static ValueTask<object?> Shed(HttpContext http, Action<OrderingApiMetrics, string> count, string detail)
    {
        count(http.RequestServices.GetRequiredService<OrderingApiMetrics>(), "shed");
        return ValueTask.FromResult<object?>(TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status429TooManyRequests, type: ProblemTypes.Busy));
    }
}
