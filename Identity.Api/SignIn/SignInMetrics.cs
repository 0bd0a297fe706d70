using System.Diagnostics.Metrics;

namespace Shop.Identity.Api.SignIn;

/// <summary>
/// Sign-in attempts by outcome, on the <c>Shop.Identity</c> meter: <c>shop.identity.sign_ins</c> with
/// <c>outcome</c> = succeeded, wrong_credentials or throttled. The alert ShopSignInFailuresHigh watches the last two
/// (monitoring/alerts.yml): a guessing attack shows there first.
/// </summary>
public sealed class SignInMetrics
{
    public const string MeterName = "Shop.Identity";

    private static readonly KeyValuePair<string, object?> Succeeded = new("outcome", "succeeded");
    private static readonly KeyValuePair<string, object?> WrongCredentials = new("outcome", "wrong_credentials");
    private static readonly KeyValuePair<string, object?> Throttled = new("outcome", "throttled");

    private readonly Counter<long> _signIns;

    public SignInMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _signIns = meter.CreateCounter<long>("shop.identity.sign_ins", "{sign_in}", "Password sign-ins, by outcome (succeeded, wrong_credentials, throttled).");
    }

    public void RecordSucceeded() => _signIns.Add(1, Succeeded);

    public void RecordWrongCredentials() => _signIns.Add(1, WrongCredentials);

    public void RecordThrottled() => _signIns.Add(1, Throttled);
}
