package dynamolocal

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// dieWithParent makes the kernel send SIGTERM to the server when the process that
// started it dies, even by SIGKILL: no server outlives its owner on the same files.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// isServer reports whether pid is a DynamoDB Local serving dir.
func isServer(pid int, dir string) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return false
	}
	args := strings.Split(string(b), "\x00")
	jar, path := false, false
	for i, a := range args {
		jar = jar || strings.HasSuffix(a, "DynamoDBLocal.jar")
		path = path || (a == "-dbPath" && i+1 < len(args) && args[i+1] == dir)
	}
	return jar && path
}
