namespace Shop.Ordering.Api.Baseline;

/// <summary><c>Ordering:Baseline</c>: the benchmark's comparison path; off unless the benchmark turns it on.</summary>
public sealed class BaselineOptions
{
    public const string SectionName = "Ordering:Baseline";

    public bool Enabled { get; set; }
}
