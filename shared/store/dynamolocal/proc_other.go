//go:build !linux

package dynamolocal

import (
	"os"
	"syscall"
)

// dieWithParent: only Linux has a parent-death signal; elsewhere a server left by a
// crashed owner is found and stopped by the next Start (takeDataDir).
func dieWithParent() *syscall.SysProcAttr { return nil }

// isServer reports whether pid is alive (its command line cannot be read portably;
// the server lock it holds is the proof that it serves the directory).
func isServer(pid int, dir string) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}
