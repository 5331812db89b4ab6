package testsite

// Hosts and bodies that harm a careless crawler: a server that accepts connections and never answers, an
// address that refuses them, and a gzip body that inflates a thousandfold.

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
)

// GzipBomb is mib MiB of zeros, gzipped as mib copies of one 1 MiB member (gzip readers go on to the next
// member): about 1 KiB per MiB to make, hold and send.
func GzipBomb(mib int) []byte {
	var one bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&one, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(one.Bytes(), mib)
}

// Silent is a server on 127.0.0.1 that accepts connections and never sends a byte, as a hung site does.
type Silent struct {
	ln       net.Listener
	accepted atomic.Int32
	mu       sync.Mutex
	conns    []net.Conn
}

// ListenSilent starts a Silent server.
func ListenSilent() (*Silent, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("testsite: listen: %w", err)
	}
	s := &Silent{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.accepted.Add(1)
			s.mu.Lock()
			s.conns = append(s.conns, c) // held open, never answered
			s.mu.Unlock()
		}
	}()
	return s, nil
}

// Addr is the server's "127.0.0.1:PORT".
func (s *Silent) Addr() string { return s.ln.Addr().String() }

// Accepted counts the connections accepted since the start or the last ResetCount.
func (s *Silent) Accepted() int { return int(s.accepted.Load()) }

// ResetCount sets Accepted back to zero.
func (s *Silent) ResetCount() { s.accepted.Store(0) }

// Close stops listening and drops the held connections.
func (s *Silent) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	return err
}

// RefusedAddr is a loopback address nothing listens on: connecting to it is refused.
func RefusedAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("testsite: listen: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}
