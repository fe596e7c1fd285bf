using Jobs.Cli;

// jobctl: pbm-style commands over a node's HTTP management API. Exit codes: 0 ok, 1 the
// operation failed, 2 usage error, 3 the node cannot be reached.
return await Jobctl.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
