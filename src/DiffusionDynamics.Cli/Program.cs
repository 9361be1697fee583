using TorchSharp;
DiffusionDynamics.Backend.TorchRuntime.EnsureInitialized();
var a = torch.randn(512, 512);
var sw = System.Diagnostics.Stopwatch.StartNew();
for (int i=0;i<10;i++) a.matmul(a).Dispose();
System.Console.WriteLine($"ok {sw.ElapsedMilliseconds} ms threads={torch.get_num_threads()} nnpack={DiffusionDynamics.Backend.TorchRuntime.NnpackDisabled}");
