namespace ClusterBackup.Engine.Tape.Agents;

/// <summary>
/// A counting signal that blocks without spinning. The write path has many more threads than cores
/// (a feeder per object, an agent per drive); SemaphoreSlim's spin-then-yield burns CPU (and sched_yield
/// system time) on a busy machine, while a waiting agent here simply sleeps until a record arrives.
/// </summary>
public sealed class WorkSignal
{
    private readonly object _gate = new();
    private int _count;

    public WorkSignal(int initial = 0) => _count = initial;

    public void Release()
    {
        lock (_gate)
        {
            _count++;
            Monitor.Pulse(_gate);
        }
    }

    public void Wait(CancellationToken token)
    {
        lock (_gate)
        {
            if (_count > 0)
            {
                _count--;
                return;
            }
        }
        using var registration = token.Register(() => { lock (_gate) Monitor.PulseAll(_gate); });
        lock (_gate)
        {
            while (_count == 0)
            {
                token.ThrowIfCancellationRequested();
                Monitor.Wait(_gate);
            }
            _count--;
        }
    }
}
