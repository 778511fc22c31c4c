using System.Diagnostics;

namespace Broker.Conformance.Faults;

/// <summary>
/// A real tmpfs of a given size, mounted for one test and always unmounted, so a full disk is the kernel's own ENOSPC,
/// not a simulation. Mounting needs root: without it the tests that use one are skipped with a reason on a developer's
/// machine, but fail under CI=true, so CI never passes them silently.
/// </summary>
public sealed class Tmpfs : IDisposable
{
    private Tmpfs(string path) => Path = path;

    /// <summary>The mount point: an empty directory of the given size.</summary>
    public string Path { get; }

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the tests that mount a tmpfs cannot run here, or null when they must.</summary>
    public static string? SkipReason =>
        !OperatingSystem.IsLinux() ? "A tmpfs needs Linux." :
        Environment.UserName != "root" && !IsCi ? "Mounting a tmpfs needs root (CI runs as root); run the tests as root to include the full-disk tests." :
        null;

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> bytes on a new directory.</summary>
    public static Tmpfs Mount(long bytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "broker-tmpfs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path);
        return new Tmpfs(path);
    }

    /// <summary>Grows or shrinks the file system in place (files stay): space comes back, or runs out.</summary>
    public void Resize(long bytes) => Run("mount", "-o", $"remount,size={bytes}", Path);

    /// <summary>Bytes free now.</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    public void Dispose()
    {
        // Lazy: a process that still holds a file (a server killed a moment ago) cannot keep the mount busy.
        try
        {
            Run("umount", "-l", Path);
            Directory.Delete(Path);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException)
        {
            // Leave the directory; the mount is what matters and umount -l does not fail on a busy mount.
        }
    }

    private static void Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
    }
}

/// <summary>A fact that mounts a tmpfs: skipped with a visible reason without root, except under CI=true.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.SkipReason is { } reason) Skip = reason;
    }
}
