"""A network cable the test can pull: a TCP relay between the browser and the server on
loopback. While it is cut, every connection through it (open or new) fails at once, as it does
for a phone at a door with no signal, service worker included."""
import socket
import threading


class Relay:
    def __init__(self, target_port):
        self.target = ("127.0.0.1", target_port)
        self.cut = False
        self.open = set()
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def pull(self):
        """No network from now on; what was open drops."""
        with self.lock:
            self.cut = True
            for s in self.open:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.open.clear()

    def plug(self):
        self.cut = False

    def _accept(self):
        while True:
            client, _ = self.listener.accept()
            if self.cut:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open.update([client, server])
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
