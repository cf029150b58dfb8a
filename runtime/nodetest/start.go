package nodetest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
)

// Server is how to start one Node server.
type Server struct {
	Dir  string   // the folder of its script and node_modules
	Args []string // node's arguments: the script first
	// Listening reads one line of the server's standard output and
	// returns its base URL when the line says where it listens.
	Listening func(line string) (url string, ok bool)
	// Output, when set, receives the other lines of standard output.
	Output func(line string)
	// Log receives the server's standard error (and is quoted when it
	// fails to start).
	Log *Tail
}

// Start runs the server and returns its base URL once it has said where
// it listens. The returned stdin is the server's standard input: keep it
// open for the life of the test binary; servers started this way exit
// when it closes, so they end with the binary even if it dies.
func Start(ctx context.Context, s Server) (url string, stdin io.WriteCloser, err error) {
	if s.Log == nil {
		s.Log = &Tail{}
	}
	name := s.Args[0]
	cmd := exec.Command("node", s.Args...)
	cmd.Dir = s.Dir
	cmd.Stderr = s.Log
	if stdin, err = cmd.StdinPipe(); err != nil {
		return "", nil, fmt.Errorf("node %s: stdin: %w", name, err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, fmt.Errorf("node %s: stdout: %w", name, err)
	}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start node %s: %w", name, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if u, ok := s.Listening(sc.Text()); ok {
				select {
				case listening <- u:
				default:
				}
			} else if s.Output != nil {
				s.Output(sc.Text())
			}
		}
	}()
	select {
	case url := <-listening:
		return url, stdin, nil
	case err := <-exited:
		return "", nil, fmt.Errorf("node %s exited before listening (%v): %s", name, err, s.Log.String())
	case <-ctx.Done():
		cmd.Process.Kill()
		return "", nil, fmt.Errorf("node %s did not listen in time: %s", name, s.Log.String())
	}
}
