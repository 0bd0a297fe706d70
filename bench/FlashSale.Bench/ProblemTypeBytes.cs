using System.Text;
using Shop.ServiceDefaults.Problems;

namespace Shop.Bench;

/// <summary>
/// The problem types the generator tells answers apart by, as UTF-8 bytes: it looks for them in each answer's body
/// without decoding it (a few hundred thousand answers a run). The URNs themselves come from the shop's one list.
/// </summary>
internal static class ProblemTypeBytes
{
    public static readonly byte[] SoldOut = Encoding.UTF8.GetBytes(ProblemTypes.SoldOut);
    public static readonly byte[] OverLimit = Encoding.UTF8.GetBytes(ProblemTypes.OverLimit);
    public static readonly byte[] InsufficientStock = Encoding.UTF8.GetBytes(ProblemTypes.InsufficientStock);
}
