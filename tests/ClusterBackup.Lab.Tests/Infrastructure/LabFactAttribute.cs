namespace ClusterBackup.Lab.Tests.Infrastructure;

/// <summary>
/// A lab test. It runs wherever the lab can (Linux, root for the image build, qemu); CLUSTERBACKUP_LAB=skip turns
/// the tier off and reports its tests as skipped with that reason. A lab that should run and cannot is not a skip:
/// the fixture fails every lab test with the infrastructure error.
/// </summary>
public sealed class LabFactAttribute : FactAttribute
{
    public LabFactAttribute()
    {
        Timeout = 0;
        if (Environment.GetEnvironmentVariable("CLUSTERBACKUP_LAB") == "skip")
            Skip = "The lab tier is turned off (CLUSTERBACKUP_LAB=skip).";
        else if (!OperatingSystem.IsLinux())
            Skip = "The lab tier runs a Linux guest under qemu and needs a Linux build machine.";
    }
}
