// libqrencode: QR code symbols for the members' check-in codes, drawn as SVG by the server.
#include <qrencode.h>
