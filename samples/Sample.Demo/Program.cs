System.Console.WriteLine("Placeholder until the sample is written.");
