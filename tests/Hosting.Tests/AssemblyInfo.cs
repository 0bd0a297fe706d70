// These tests drive Linux processes, signals and /proc: they run on Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
