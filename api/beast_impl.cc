// The one translation unit that compiles Boost.Asio, Asio SSL and Beast.
// Every api target defines BOOST_ASIO_SEPARATE_COMPILATION and
// BOOST_BEAST_SEPARATE_COMPILATION (api/CMakeLists.txt), so other files that
// include their headers get declarations only and link against this copy.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
