using System.ComponentModel.DataAnnotations;
using Shop.ServiceDefaults.Identity;

namespace Shop.Identity.Api.Tokens;

/// <summary>
/// Each API's signing secret, by the API's scope (section <c>Identity:ApiSigningKeys</c>: <c>catalog</c>,
/// <c>basket</c>, <c>ordering</c>): the AppHost's secret parameters <c>{api}-token-key</c>, each also given to its API
/// alone. Every API must have one, or identity-api does not start.
/// </summary>
public sealed class ApiSigningKeysOptions : IValidatableObject
{
    public const string SectionName = "Identity";

    /// <summary>API scope → secret.</summary>
    public Dictionary<string, string> ApiSigningKeys { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var scope in ShopAudiences.ByScope.Keys)
        {
            if (!ServiceDefaults.Identity.ApiSigningKeys.IsValidSecret(ApiSigningKeys.GetValueOrDefault(scope)))
            {
                yield return new ValidationResult(
                    $"Identity:ApiSigningKeys:{scope} must be {ShopAudiences.ByScope[scope]}'s signing secret, at least {ServiceDefaults.Identity.ApiSigningKeys.MinLength} characters " +
                    $"(the AppHost gives it as the secret parameter '{ShopAudiences.ByScope[scope]}-token-key').");
            }
        }
    }
}
