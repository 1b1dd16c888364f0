package dynamolocal

// Reachable is reachable, for the tests.
var Reachable = reachable
