using System.Runtime.InteropServices;

namespace Agentic.Runtime.Diagnostics;

/// <summary>
/// A counter bumped on every step from every worker thread. One shared cell would bounce its cache line between
/// cores on each bump; here each core mostly adds to its own cell (chosen by the processor it runs on), and a read
/// sums the cells. The sum is exact whenever nothing is counting; while counts move it is a close snapshot.
/// </summary>
internal sealed class StripedCounter
{
    private readonly Cell[] _cells = new Cell[Math.Min(64, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount))];

    public long Value
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _cells.Length; i++)
            {
                sum += Volatile.Read(ref _cells[i].Count);
            }

            return sum;
        }
    }

    public void Add(long delta) => Interlocked.Add(ref _cells[Thread.GetCurrentProcessorId() & (_cells.Length - 1)].Count, delta);

    // 128 bytes apart: adjacent-line prefetch pairs 64-byte lines, so a 64-byte cell would still share with its neighbour.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Cell
    {
        [FieldOffset(64)]
        public long Count;
    }
}
