// Listeners are process-wide: one test's ActivityListener or MeterListener sees what every other test records, and
// the test that checks behaviour with nothing listening needs the process to itself. Run the tests one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
